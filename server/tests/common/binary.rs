//! The real `alyze-server` binary, started on a free loopback port (the whole-system tests and the
//! load bench, which includes this file by path).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running server process; killed when dropped, so a failing assertion does not leave it behind.
pub struct Running {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Running {
    /// Starts `command` (the binary with its storage and other flags) listening on a free loopback
    /// port and waits for its first line, `{"listening": "127.0.0.1:PORT"}`; its log is discarded.
    pub fn start(mut command: Command) -> Self {
        let mut child = command
            .args(["--listen", "127.0.0.1:0", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().expect("its standard output"))
            .read_line(&mut first_line)
            .expect("its first line");
        let listening: serde_json::Value =
            serde_json::from_str(&first_line).expect("a JSON first line");
        let url = format!(
            "http://{}",
            listening["listening"].as_str().expect("the address")
        );
        Self { child, url }
    }

    /// Enrols a device with one-time `code` over HTTP; the answer (member and device ids, tokens).
    pub async fn enrol(&self, code: &str, device_name: &str) -> serde_json::Value {
        reqwest::Client::new()
            .post(format!("{}/v1/enrol", self.url))
            .json(&serde_json::json!({"code": code, "device_name": device_name}))
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a JSON answer")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
