// Run it: cargo run -q -p primes-sqrt --target wasm32-wasip1 -- both 10000
// ANCHOR: all
// ANCHOR: is_prime
/// Whether `n` is prime, by trying the divisors up to its square root: a
/// divisor above it would pair with one below it.
fn is_prime(n: u32) -> bool {
    n >= 2
        && (2..)
            .take_while(|&d| d <= n / d)
            .all(|d| !n.is_multiple_of(d))
}
// ANCHOR_END: is_prime

/// The primes below `limit`, one at a time. (`inline(never)` keeps it a function
/// of its own in a release build, so that a profile can tell it apart.)
#[inline(never)]
fn count_naive(limit: u32) -> usize {
    (0..limit).filter(|&n| is_prime(n)).count()
}

/// The primes below `limit`, by the sieve of Eratosthenes.
#[inline(never)]
fn count_sieve(limit: u32) -> usize {
    let limit = limit as usize;
    let mut composite = vec![false; limit];
    let mut count = 0;
    for n in 2..limit {
        if !composite[n] {
            count += 1;
            for multiple in (n * n..limit).step_by(n) {
                composite[multiple] = true;
            }
        }
    }
    count
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let limit: u32 = args[2].parse().expect("a whole number");
    let method = args[1].as_str();
    if method == "naive" || method == "both" {
        println!("naive: {} primes below {limit}", count_naive(limit));
    }
    if method == "sieve" || method == "both" {
        println!("sieve: {} primes below {limit}", count_sieve(limit));
    }
}
// ANCHOR_END: all
