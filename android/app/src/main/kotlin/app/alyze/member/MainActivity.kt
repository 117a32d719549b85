// The launcher activity: the five screens behind a bottom navigation bar. The selected screen
// survives rotation and process death (a saved enum); each screen's view model lives as long as
// the activity, so switching tabs keeps a half-filled form.
package app.alyze.member

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.DateRange
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.Favorite
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material3.Icon
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector

/** The screens of the bottom bar, in its order. */
private enum class Destination(val label: String, val icon: ImageVector) {
    TODAY("Today", Icons.Filled.Home),
    PLAN("Plan", Icons.Filled.DateRange),
    TRENDS("Trends", Icons.Filled.Favorite),
    CHECK_IN("Check-in", Icons.Filled.Edit),
    SETTINGS("Settings", Icons.Filled.Settings),
}

/** Shows the app. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent { AlyzeTheme { Screens() } }
    }
}

@Composable
private fun Screens() {
    var current by rememberSaveable { mutableStateOf(Destination.TODAY) }
    Scaffold(
        bottomBar = {
            NavigationBar {
                Destination.entries.forEach { destination ->
                    NavigationBarItem(
                        selected = destination == current,
                        onClick = { current = destination },
                        icon = { Icon(destination.icon, contentDescription = null) },
                        label = { Text(destination.label) },
                    )
                }
            }
        },
    ) { padding ->
        Box(Modifier.padding(padding)) {
            when (current) {
                Destination.TODAY -> TodayScreen()
                Destination.PLAN -> PlanScreen()
                Destination.TRENDS -> TrendsScreen()
                Destination.CHECK_IN -> CheckInScreen()
                Destination.SETTINGS -> SettingsScreen()
            }
        }
    }
}
