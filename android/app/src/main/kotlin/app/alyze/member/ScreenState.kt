// What every screen shows while it loads, once it has its content, or when the store refused: a
// store call runs off the main thread (a readiness over months of data takes a moment) and its
// `AlyzeException` becomes the kit's short message, never the health data. Also the titled card
// the screens group their lines in.
package app.alyze.member

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import app.alyze.kit.errorText
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import uniffi.alyze.AlyzeException

/** A screen's content: loading, ready, or the message of a failure. */
sealed interface ScreenState<out T> {
    data object Loading : ScreenState<Nothing>

    data class Ready<T>(val value: T) : ScreenState<T>

    data class Failed(val message: String) : ScreenState<Nothing>
}

/** Runs [call] on the I/O threads; its result, or the message of the store's refusal. */
suspend fun <T> storeCall(call: suspend () -> T): ScreenState<T> = withContext(Dispatchers.IO) {
    try {
        ScreenState.Ready(call())
    } catch (e: AlyzeException) {
        ScreenState.Failed(errorText(e))
    }
}

/** Shows [state]: a spinner, [content] of the value, or the message. */
@Composable
fun <T> ScreenContent(state: ScreenState<T>, content: @Composable (T) -> Unit) {
    when (state) {
        ScreenState.Loading -> Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
            CircularProgressIndicator()
        }
        is ScreenState.Failed -> Message(state.message)
        is ScreenState.Ready -> content(state.value)
    }
}

/** A short message in place of a screen's content. */
@Composable
fun Message(text: String) {
    Text(text, Modifier.padding(24.dp), style = MaterialTheme.typography.bodyLarge)
}

/** A titled group of lines. */
@Composable
fun Section(title: String, content: @Composable () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(title, style = MaterialTheme.typography.titleMedium)
            content()
        }
    }
}
