// Why the app reads health data, as Health Connect shows it when the member taps the app's privacy
// link in the permission screen (the manifest routes ACTION_SHOW_PERMISSIONS_RATIONALE and, on
// Android 14+, VIEW_PERMISSION_USAGE here). Plain text: what is read, what it is used for, where
// it goes.
package app.alyze.member

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp

/** The rationale of the Health Connect permissions. */
class PermissionsRationaleActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent {
            AlyzeTheme {
                Surface {
                    Column(
                        Modifier.safeDrawingPadding().verticalScroll(rememberScrollState()).padding(24.dp),
                        verticalArrangement = Arrangement.spacedBy(12.dp),
                    ) {
                        Text("Why alyze reads your health data", style = MaterialTheme.typography.headlineSmall)
                        Text(
                            "alyze reads your sleep, heart rate, resting heart rate and heart rate variability " +
                                "(RMSSD) from Health Connect. From them it learns your personal baselines and " +
                                "gives you each morning's readiness (push, maintain or recover) and the day's " +
                                "recovery plan.",
                        )
                        Text(
                            "It reads in the background about once an hour, so that the morning's call is " +
                                "ready when you wake, and it reads your history beyond 30 days, because your " +
                                "baselines look back 60 days.",
                        )
                        Text(
                            "Your data stays on this phone. It is sent only to the clinic you enrolled with, " +
                                "over an encrypted connection, so that your clinic sees what you see. Signing out " +
                                "erases it from this phone.",
                        )
                        Button(onClick = { finish() }) { Text("Close") }
                    }
                }
            }
        }
    }
}
