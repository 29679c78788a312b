// Run it: cargo build -q -p wstd-echo --target wasm32-wasip2 &&
//   wasmtime run -S inherit-network target/wasm32-wasip2/debug/wstd-echo.wasm
// ANCHOR: all
use wstd::io::{AsyncRead, AsyncWrite};
use wstd::iter::AsyncIterator;
use wstd::net::{TcpListener, TcpStream};
use wstd::time::{Duration, Instant};

#[wstd::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // The server: a task that accepts one connection and echoes what it reads.
    let server = wstd::runtime::spawn(async move {
        let stream = listener.incoming().next().await.unwrap()?;
        wstd::io::copy(&stream, &stream).await
    });

    // A timer, waited for in `wasi:io/poll` like every other event here.
    let started = Instant::now();
    wstd::task::sleep(Duration::from_millis(20)).await;
    assert!(started.elapsed() >= Duration::from_millis(20));
    println!("timer: 20 ms passed");

    let mut client = TcpStream::connect(addr).await?;
    client.write_all(b"ping").await?;
    let mut echoed = Vec::new();
    let mut buf = [0; 4];
    while echoed.len() < 4 {
        let n = client.read(&mut buf).await?;
        echoed.extend_from_slice(&buf[..n]);
    }
    println!("tcp: echoed {:?}", String::from_utf8_lossy(&echoed));
    drop(client); // end of stream: the server's copy returns
    server.await
}
// ANCHOR_END: all
