//! What only the PostgreSQL backend has to show, on a database of each test's own: its migrations
//! (an older schema upgrades and keeps its rows, a newer one is refused, servers starting together
//! migrate once), the append-only audit log against TRUNCATE too, and errors that keep row values
//! out of log lines. The behaviour both backends share is tested on both by the other files.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use alyze_server::db::DbError;
use alyze_server::db::postgres::{PostgresDb, SCHEMA_VERSION};
use common::postgres::TestDatabase;

async fn versions(database: &TestDatabase) -> Vec<i64> {
    database
        .client()
        .await
        .query(
            "SELECT version FROM schema_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn config(database: &TestDatabase) -> tokio_postgres::Config {
    database.url().parse().unwrap()
}

#[tokio::test]
#[cfg_attr(
    not(alyze_postgres_tests),
    ignore = "no PostgreSQL: set ALYZE_TEST_DATABASE_URL (see scripts/test-postgres)"
)]
async fn a_version_1_database_upgrades_and_keeps_its_rows() {
    let database = TestDatabase::create().await;
    PostgresDb::connect_at_version(config(&database), 2, 1)
        .await
        .unwrap();
    assert_eq!(versions(&database).await, [1]);
    let client = database.client().await;
    client
        .batch_execute(
            "INSERT INTO clinics VALUES ('c1', 'North', 1);
             INSERT INTO members VALUES ('m1', 'c1', 'Ada', 2);",
        )
        .await
        .unwrap();
    assert!(client.query("SELECT 1 FROM audit_log", &[]).await.is_err());

    database.connect().await;
    assert_eq!(
        versions(&database).await,
        (1..=SCHEMA_VERSION).collect::<Vec<_>>()
    );
    let row = client
        .query_one("SELECT display_name FROM members WHERE id = 'm1'", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "Ada");
    // Opening again changes nothing.
    database.connect().await;
    assert_eq!(versions(&database).await.len() as i64, SCHEMA_VERSION);
}

#[tokio::test]
#[cfg_attr(
    not(alyze_postgres_tests),
    ignore = "no PostgreSQL: set ALYZE_TEST_DATABASE_URL (see scripts/test-postgres)"
)]
async fn a_newer_schema_is_refused() {
    let database = TestDatabase::create().await;
    database.connect().await;
    database
        .client()
        .await
        .execute(
            "INSERT INTO schema_migrations VALUES ($1, 0)",
            &[&(SCHEMA_VERSION + 1)],
        )
        .await
        .unwrap();
    let refused = PostgresDb::connect(config(&database), 2).await;
    assert!(matches!(
        refused,
        Err(DbError::SchemaTooNew { found, supported })
            if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION
    ));
}

#[tokio::test]
#[cfg_attr(
    not(alyze_postgres_tests),
    ignore = "no PostgreSQL: set ALYZE_TEST_DATABASE_URL (see scripts/test-postgres)"
)]
async fn servers_starting_together_migrate_once() {
    let database = TestDatabase::create().await;
    let mut starting = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let config = config(&database);
        starting.spawn(async move { PostgresDb::connect(config, 2).await.map(|_| ()) });
    }
    while let Some(started) = starting.join_next().await {
        started.unwrap().unwrap();
    }
    assert_eq!(
        versions(&database).await,
        (1..=SCHEMA_VERSION).collect::<Vec<_>>()
    );
}

#[tokio::test]
#[cfg_attr(
    not(alyze_postgres_tests),
    ignore = "no PostgreSQL: set ALYZE_TEST_DATABASE_URL (see scripts/test-postgres)"
)]
async fn the_audit_log_refuses_truncate_and_errors_keep_values_out() {
    let database = TestDatabase::create().await;
    database.connect().await;
    let client = database.client().await;
    client
        .batch_execute("INSERT INTO audit_log (at, staff_id, member_id, action) VALUES (1, 's', 'm', 'view_member')")
        .await
        .unwrap();
    let truncate = client
        .batch_execute("TRUNCATE audit_log")
        .await
        .unwrap_err();
    assert_eq!(
        truncate.as_db_error().unwrap().message(),
        "audit_log is append-only"
    );
    let count: i64 = client
        .query_one("SELECT COUNT(*) FROM audit_log", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 1);

    // The server's DETAIL line names the duplicate value; the error as logged does not.
    client
        .batch_execute("INSERT INTO clinics VALUES ('c1', 'North', 1)")
        .await
        .unwrap();
    let duplicate = client
        .batch_execute(
            "INSERT INTO staff VALUES ('s1', 'c1', 'grace@north.example', 'admin', 'x', 1);
             INSERT INTO staff VALUES ('s2', 'c1', 'grace@north.example', 'admin', 'x', 1);",
        )
        .await
        .unwrap_err();
    let detail = duplicate.as_db_error().unwrap().detail().unwrap();
    assert!(detail.contains("grace@north.example"), "{detail}");
    let logged = DbError::from(duplicate).to_string();
    assert!(
        logged.contains("staff_email_key") && logged.contains("23505"),
        "{logged}"
    );
    assert!(!logged.contains("grace@north.example"), "{logged}");
}
