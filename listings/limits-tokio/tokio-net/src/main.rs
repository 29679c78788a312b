// Run it: cargo build -q --manifest-path listings/limits-tokio/tokio-net/Cargo.toml --target wasm32-wasip2 --target-dir target/build-fails
// ANCHOR: all
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    Ok(())
}
// ANCHOR_END: all
