//! Link settings of the `kartta` binary that make an idle or lightly loaded server smaller.

use std::path::PathBuf;
use std::process::Command;

/// The functions a running server executes, in the order they should be laid out; written by
/// `bench/code-order/collect.sh`.
const CODE_ORDER_FILE: &str = "code-order.txt";

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
    order_hot_code_first();
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={CODE_ORDER_FILE}");
}

/// Places the functions a running server executes together at the start of the code.
///
/// A page fault on the binary's code maps the 64 KiB around it (the kernel's fault-around), so
/// code spread over the whole 11 MB text made most of it resident: start-up and the sync path
/// touched one or two functions in each of about 140 windows. Laid out in the order of
/// `code-order.txt` (lld's `--symbol-ordering-file`; rustc and the C compiler put every function
/// in a section of its own, which the linker may move), the same functions fill a few dozen.
///
/// Only lld (rustc's default linker on x86_64 Linux) knows the option, and GNU ld refuses it, so
/// the build first links an empty program with the same compiler, target, flags and linker; if
/// that fails the binary is linked in the linker's own order, as before. Names in the list that
/// this build does not have (the symbol hashes change with the code, the compiler and the
/// profile) are skipped without a warning: a stale list costs layout, never the build.
fn order_hot_code_first() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let order_file = manifest_dir.join(CODE_ORDER_FILE);
    let link_args = [
        format!("-Wl,--symbol-ordering-file={}", order_file.display()),
        "-Wl,--no-warn-symbol-ordering".to_string(),
    ];
    if linker_accepts(&link_args) {
        for link_arg in &link_args {
            println!("cargo:rustc-link-arg-bins={link_arg}");
        }
    } else {
        println!(
            "cargo:warning=the linker does not take --symbol-ordering-file (not lld?): \
             the server's code keeps the linker's own order and more of it stays resident"
        );
    }
}

/// Whether an empty program links with `link_args`, built the way cargo builds this crate.
fn linker_accepts(link_args: &[String]) -> bool {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let source = out_dir.join("linker_probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let mut command = Command::new(rustc);
    command
        .arg("--crate-type=bin")
        .arg("--crate-name=linker_probe")
        .arg("--edition=2021")
        .arg("-o")
        .arg(out_dir.join("linker_probe"))
        .arg(&source);
    if let Ok(target) = std::env::var("TARGET") {
        command.arg(format!("--target={target}"));
    }
    // The linker cargo resolved for the target (`target.<triple>.linker`), if any.
    if let Ok(linker) = std::env::var("RUSTC_LINKER") {
        command.arg(format!("-Clinker={linker}"));
    }
    // RUSTFLAGS and `build.rustflags` may choose another linker (`-Clink-arg=-fuse-ld=bfd`).
    if let Ok(encoded_flags) = std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        command.args(encoded_flags.split('\x1f').filter(|flag| !flag.is_empty()));
    }
    for link_arg in link_args {
        command.arg(format!("-Clink-arg={link_arg}"));
    }
    let linked = command.output().is_ok_and(|output| output.status.success());
    let _ = std::fs::remove_file(out_dir.join("linker_probe"));
    linked
}
