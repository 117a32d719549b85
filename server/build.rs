//! Decides at build time whether the PostgreSQL variants of the integration tests run or are
//! reported as ignored (libtest has no way to skip a test at run time, and a test that returns
//! early would count as passed). They run when `ALYZE_TEST_DATABASE_URL` names a server to test
//! on, and always in CI (`CI` set), where a missing server must fail the run, not skip it.

fn main() {
    println!("cargo::rerun-if-env-changed=ALYZE_TEST_DATABASE_URL");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rustc-check-cfg=cfg(alyze_postgres_tests)");
    let set =
        |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    if set("ALYZE_TEST_DATABASE_URL") || set("CI") {
        println!("cargo::rustc-cfg=alyze_postgres_tests");
    }
}
