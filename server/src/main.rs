//! `kartta`: parses the command line and runs the server.

use clap::Parser;
use kartta_server::config::{Cli, Command, ServeConfig};
use kartta_server::Server;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
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
