// Run it: RUSTFLAGS='--cfg tokio_unstable' cargo build -q -p tokio-unstable --target wasm32-wasip2 \
//   --target-dir target/rustflags && wasmtime run -S inherit-network \
//   target/rustflags/wasm32-wasip2/debug/tokio-unstable.wasm
// ANCHOR: all
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await?;
        let mut buf = [0; 4];
        stream.read_exact(&mut buf).await?;
        stream.write_all(&buf).await?;
        std::io::Result::Ok(())
    });
    let mut client = TcpStream::connect(addr).await?;
    client.write_all(b"ping").await?;
    let mut buf = [0; 4];
    client.read_exact(&mut buf).await?;
    println!("tcp: echoed {:?}", std::str::from_utf8(&buf).unwrap());
    server.await.unwrap()
}
// ANCHOR_END: all
