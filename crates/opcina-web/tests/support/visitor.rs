//! A visitor of the web application with a cookie jar, through the real router: what a
//! browser without scripts does (cookies, forms with the CSRF token).

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A visitor with a cookie jar.
pub struct Visitor {
    pub router: Router,
    pub cookies: HashMap<String, String>,
    /// The client's address, as a proxy in front of the node states it (`X-Forwarded-For`).
    pub from: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Visitor {
    pub fn new(router: &Router) -> Visitor {
        Visitor { router: router.clone(), cookies: HashMap::new(), from: None }
    }

    /// A visitor coming from `addr` through the node's proxy.
    pub fn at(router: &Router, addr: &str) -> Visitor {
        Visitor { from: Some(addr.to_string()), ..Visitor::new(router) }
    }

    pub async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Reply {
        let cookie = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let req = if cookie.is_empty() { req } else { req.header(header::COOKIE, cookie) };
        let req = match &self.from {
            Some(addr) => req.header("x-forwarded-for", format!("10.9.9.9, {addr}")),
            None => req,
        };
        let response = self.router.clone().oneshot(req.body(body).unwrap()).await.unwrap();
        for c in response.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes()).into_owned();
        Reply { status, headers, body }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::builder().method("GET").uri(path).header(header::HOST, "opcina.test"), Body::empty()).await
    }

    /// The token the page's hidden field holds: the CSRF cookie, bound to the session once
    /// signed in. (A session the node no longer knows is not bound: such a visitor posts
    /// with [`Visitor::post_raw`] and the token from the page.)
    pub fn csrf(&self) -> String {
        let cookie = self.cookies.get("opcina_csrf").cloned().unwrap_or_default();
        let session = self.cookies.get("opcina_session").or_else(|| self.cookies.get("opcina_citizen"));
        opcina_web::ui::form_token(&cookie, session.map(String::as_str))
    }

    /// Posts a form with the visitor's CSRF token (as the page's hidden field would).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, "opcina.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(req, Body::from(body)).await
    }

    /// A form with a file, as a browser sends it (`multipart/form-data`): the CSRF token
    /// first, then the fields, then the file.
    pub async fn post_file(&mut self, path: &str, fields: &[(&str, &str)], file: (&str, &str, &str, &[u8])) -> Reply {
        let csrf = self.csrf();
        self.post_file_with(path, &csrf, fields, file).await
    }

    /// A form with a file and the CSRF token given (a forged form sends another).
    pub async fn post_file_with(&mut self, path: &str, csrf: &str, fields: &[(&str, &str)], file: (&str, &str, &str, &[u8])) -> Reply {
        let boundary = "----opcina-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in [("csrf", csrf)].iter().chain(fields) {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        let (name, filename, media_type, content) = file;
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {media_type}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, "opcina.test")
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        self.send(req, Body::from(body)).await
    }

    pub async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        self.get("/sign-in").await;
        self.post("/sign-in", &[("username", username), ("password", password)]).await
    }
}
