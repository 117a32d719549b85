// The app's Material 3 theme (light or dark with the system) and the colour of each tone the kit
// gives a call, a reason or a chart: green, yellow and red are the readiness bands the member
// knows from the clinic; neutral is the theme's own text colour.
package app.alyze.member

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import app.alyze.kit.Tone

/** The theme every screen is drawn in. */
@Composable
fun AlyzeTheme(content: @Composable () -> Unit) {
    MaterialTheme(
        colorScheme = if (isSystemInDarkTheme()) darkColorScheme() else lightColorScheme(),
        content = content,
    )
}

/** The colour of [tone]. */
@Composable
fun toneColor(tone: Tone): Color = when (tone) {
    Tone.GREEN -> Color(0xFF2E7D32)
    Tone.YELLOW -> Color(0xFFF9A825)
    Tone.RED -> Color(0xFFC62828)
    Tone.NEUTRAL -> MaterialTheme.colorScheme.onSurfaceVariant
}
