//! `kartta`: parses the command line and runs the server.

use clap::Parser;
use kartta_server::config::{Cli, Command, ServeConfig};
use kartta_server::Server;
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    return_large_buffers_to_the_system();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// glibc raises its mmap threshold to the size of the largest block freed so far (up to
/// 32 MiB), so after the first PNG render or large sync reply every later buffer of that size
/// comes from the heap and stays in the process when freed: the soak benchmark saw the memory
/// sit at 57 MB instead of 22 MB for minutes after a render. A fixed threshold keeps buffers of
/// 256 KiB and more in their own mappings, returned to the system as soon as they are freed.
fn return_large_buffers_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread
    // exists, with a valid parameter and value.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = match cli.command {
        Some(Command::Serve(config)) => config,
        None => match Cli::parse_from(["kartta", "serve"]).command {
            Some(Command::Serve(config)) => config,
            None => anyhow::bail!("no command"),
        },
    };
    init_logging(&config);
    let server = Server::start(config).await?;
    // Scripts and tests read the address from this line.
    println!("kartta listening on http://{}", server.address);
    server.run_until_signal().await;
    Ok(())
}

fn init_logging(config: &ServeConfig) {
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
