// Run it: cargo build -q -p loopback-echo --target wasm32-wasip2 &&
//   wasmtime run -S inherit-network target/wasm32-wasip2/debug/loopback-echo.wasm
// ANCHOR: all
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};

fn main() -> std::io::Result<()> {
    // Port 0: the host picks a free port. 127.0.0.1: nothing leaves this machine.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    // The connection is already established, so one thread can accept it
    // afterwards.
    let (mut server, _) = listener.accept()?;
    client.write_all(b"ping")?;
    let mut buf = [0; 4];
    server.read_exact(&mut buf)?;
    server.write_all(&buf)?;
    client.read_exact(&mut buf)?;
    println!("tcp: echoed {:?}", std::str::from_utf8(&buf).unwrap());

    let a = UdpSocket::bind("127.0.0.1:0")?;
    let b = UdpSocket::bind("127.0.0.1:0")?;
    a.send_to(b"pong", b.local_addr()?)?;
    let (n, from) = b.recv_from(&mut buf)?;
    b.send_to(&buf[..n], from)?;
    let n = a.recv(&mut buf)?;
    println!("udp: echoed {:?}", std::str::from_utf8(&buf[..n]).unwrap());
    Ok(())
}
// ANCHOR_END: all
