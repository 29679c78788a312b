//! The metadata's checks and the commands it turns into, on small specs.

use super::*;
use anyhow::Result;
use std::path::PathBuf;

fn spec(toml_text: &str) -> Result<Spec> {
    let v: toml::Value = toml::from_str(toml_text)?;
    let s = Spec::from_value(v)?;
    s.validate()?;
    Ok(s)
}

#[test]
fn named_runs_and_per_target_exit_codes() {
    let s = spec(
        "targets = [\"wasip1\", \"wasip2\"]\nexit-code = { wasip1 = 42, wasip2 = 1 }\n\
         runs = [{ name = \"denied\", targets = [\"wasip2\"], args = [\"x\"] }]",
    )
    .unwrap();
    assert_eq!(s.runs.len(), 2);
    assert_eq!(s.runs[0].exit_code.for_target(Target::Wasip1), 42);
    assert_eq!(s.runs[0].exit_code.for_target(Target::Wasip2), 1);
    assert_eq!(s.targets_of(&s.runs[1]), vec![Target::Wasip2]);
    let err = format!(
        "{:#}",
        spec("targets = [\"wasip1\"]\nruns = [{ name = \"a\", argz = [] }]").unwrap_err()
    );
    assert!(
        err.contains("runs[0]") && err.contains("unknown field `argz`"),
        "{err}"
    );
}

#[test]
fn unknown_key_is_named() {
    let err = spec("targets = [\"wasip1\"]\nargz = [\"x\"]")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `argz`"), "{err}");
}

#[test]
fn bad_value_is_named() {
    for (toml, expected) in [
        (
            "dirs = [{ host = \"/\", guest = \"/\" }]",
            "`dirs`: `host = \"/\"` is not a directory inside the listing",
        ),
        (
            "dirs = [{ host = \"data/../..\", guest = \"/d\" }]",
            "`host = \"data/../..\"` is not a directory inside the listing",
        ),
        ("deadline-ms = 0", "`deadline-ms = 0` is outside 1..=180000"),
        (
            "memory-mib = 99999",
            "`memory-mib = 99999` is outside 1..=4096",
        ),
    ] {
        let err = spec(&format!("targets = [\"wasip1\"]\n{toml}"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{toml}: {err}");
    }
    let err = spec("targets = [\"wasip3\"]").unwrap_err().to_string();
    assert!(err.contains("wasip3"), "{err}");
    let err = spec("targets = [\"wasip1\"]\nexit-code = \"x\"")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("exit-code: invalid type: string \"x\", expected an exit code"),
        "{err}"
    );
}

#[test]
fn inconsistent_specs_are_refused() {
    for (toml, needle) in [
        ("targets = []", "`targets` is empty"),
        (
            "targets = [\"wasip1\"]\nkind = \"reactor\"",
            "needs `invoke`",
        ),
        (
            "targets = [\"wasip1\"]\nnetwork = true",
            "WASI 0.1 has no sockets",
        ),
        (
            "targets = [\"host\", \"wasip1\"]\nkind = \"host\"",
            "not both",
        ),
        (
            "targets = [\"wasip1\"]\ncalls = [\"f\"]",
            "`calls` needs `invoke` first",
        ),
        (
            "targets = [\"wasip1\"]\nkind = \"library\"",
            "a WebAssembly library is a `guest`",
        ),
        (
            "targets = [\"wasip1\", \"wasip2\"]\nexit-code = 200",
            "cannot happen on wasip1",
        ),
        (
            "targets = [\"host\"]\nkind = \"library\"\nargs = [\"x\"]",
            "has no runs of its own",
        ),
    ] {
        let err = format!("{:#}", spec(toml).unwrap_err());
        assert!(err.contains(needle), "{toml}: {err}");
    }
}

#[test]
fn a_nightly_listing_is_built_with_cargo_plus_the_pinned_channel() {
    let s = spec("targets = [\"wasip1\"]\nkind = \"reactor\"\ntoolchain = \"nightly\"\nrustc-args = [\"-Z\", \"wasi-exec-model=reactor\"]\ninvoke = \"add\"").unwrap();
    assert_eq!(s.toolchain, Toolchain::Nightly);
    let l = Listing {
        name: "exec-model-bin".into(),
        dir: "listings/ch/exec-model-bin".into(),
        spec: s,
        artifact_stem: "exec-model-bin".into(),
        is_cdylib: false,
        cargo_toolchain: Some("+nightly-2026-10-29".into()),
    };
    assert!(l.builds_alone());
    assert_eq!(
        l.build_command(Target::Wasip1),
        "cargo +nightly-2026-10-29 rustc -q -p exec-model-bin --target wasm32-wasip1 -- -Z wasi-exec-model=reactor"
    );
    let err = spec("targets = [\"wasip1\"]\ntoolchain = \"beta\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("toolchain") && err.contains("beta"), "{err}");
}

#[test]
fn a_listing_with_rustflags_is_built_alone_with_them_into_its_own_target_dir() {
    let s =
        spec("targets = [\"wasip2\"]\nrustflags = [\"--cfg\", \"tokio_unstable\"]\nnetwork = true")
            .unwrap();
    let l = Listing {
        name: "tokio-unstable".into(),
        dir: "listings/ch/tokio-unstable".into(),
        spec: s,
        artifact_stem: "tokio-unstable".into(),
        is_cdylib: false,
        cargo_toolchain: None,
    };
    assert!(l.builds_alone());
    assert_eq!(
        l.artifact(Target::Wasip2),
        PathBuf::from("target/rustflags/wasm32-wasip2/debug/tokio-unstable.wasm")
    );
    assert_eq!(
        l.reader_command(&l.spec.runs[0], Target::Wasip2),
        "RUSTFLAGS='--cfg tokio_unstable' cargo build -q -p tokio-unstable --target wasm32-wasip2 --target-dir \
         target/rustflags && ci/wasi-run -S inherit-network target/rustflags/wasm32-wasip2/debug/tokio-unstable.wasm"
    );
}

#[test]
fn commands_render_grants() {
    let s = spec(
        "targets = [\"wasip1\"]\nargs = [\"a b\"]\nenv = { GREETING = \"hi\" }\n\
         dirs = [{ host = \"data\", guest = \"/data\" }]",
    )
    .unwrap();
    let l = Listing {
        name: "files".into(),
        dir: "listings/ch/files".into(),
        spec: s,
        artifact_stem: "files".into(),
        is_cdylib: false,
        cargo_toolchain: None,
    };
    let run = &l.spec.runs[0];
    assert_eq!(
        l.reader_command(run, Target::Wasip1),
        "WASI_RUNNER_FLAGS='--dir listings/ch/files/data::/data --env GREETING=hi' \
         cargo run -q -p files --target wasm32-wasip1 -- 'a b'"
    );
    assert_eq!(
        l.wasmtime_command(run, Target::Wasip1).unwrap(),
        "wasmtime run --dir=listings/ch/files/data::/data --env=GREETING=hi \
         target/wasm32-wasip1/debug/files.wasm 'a b'"
    );
}
