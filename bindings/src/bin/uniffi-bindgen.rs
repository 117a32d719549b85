//! The UniFFI bindings generator, pinned to the crate's own uniffi version so the generated Kotlin,
//! Swift and Python always match the scaffolding in the library (`scripts/bindings` runs it).

fn main() {
    uniffi::uniffi_bindgen_main();
}
