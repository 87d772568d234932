//! Link settings of the `kartta` binary that make an idle or lightly loaded server smaller.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        // The binary is position-independent, so the dynamic loader patches every pointer in
        // its read-only data at start. Stored as ordinary `Rela` entries those instructions
        // took 680 KB, all read (and so resident) before `main`; packed (`DT_RELR`, binutils
        // 2.38 and glibc 2.36 or newer) they take a few kilobytes. The address layout, and so
        // the randomisation of where the code is loaded, stay as they were.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
