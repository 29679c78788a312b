// The listing of the Sockets chapter: a TCP round trip with WasmEdge's socket crate.
// ANCHOR: all
use std::io::{Read, Write};
// The same shape as std::net, but every call goes to WasmEdge's own host functions.
use wasmedge_wasi_socket::{Shutdown, TcpListener, TcpStream};

pub fn round_trip() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0", false)?;
    let mut client = TcpStream::connect(listener.local_addr()?)?;
    let (mut server, _) = listener.accept(false)?;
    client.write_all(b"ping")?;
    let mut buf = [0; 4];
    server.read_exact(&mut buf)?;
    println!("tcp: received {:?}", std::str::from_utf8(&buf).unwrap());
    client.shutdown(Shutdown::Both)
}
// ANCHOR_END: all
