//! Says, in one line of the test output, whether the PostgreSQL half of the suite ran.
//! (A plain binary, not a libtest harness, so that its output is always shown.)

fn main() {
    match std::env::var("OPCINA_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => println!("PostgreSQL tests: running against {url}"),
        _ => {
            if std::env::var("OPCINA_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                eprintln!("PostgreSQL tests are required (OPCINA_TEST_REQUIRE_POSTGRES=1) but OPCINA_TEST_POSTGRES_URL is not set");
                std::process::exit(1);
            }
            println!("PostgreSQL tests SKIPPED: set OPCINA_TEST_POSTGRES_URL=postgres://USER@HOST:PORT/DB to run them");
        }
    }
}
