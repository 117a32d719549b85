//! The Swift-specific UniFFI generator (sources, C header, module map and XCFramework layout), pinned
//! to the crate's own uniffi version; runs on Linux too.

fn main() {
    uniffi::uniffi_bindgen_swift();
}
