//! A small per-client rate limit for public forms and sign-in (fixed window per key). In memory
//! per node: with several nodes each allows the limit, which is enough to stop form flooding.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    pub limit: u32,
    pub window: Duration,
}

impl Default for RateLimiter {
    fn default() -> Self {
        RateLimiter {
            windows: Mutex::new(HashMap::new()),
            limit: 10,
            window: Duration::from_secs(60),
        }
    }
}

impl RateLimiter {
    /// Counts one attempt for `key`; false when the key is over its limit in the current window.
    pub fn allow(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut map = self.windows.lock().expect("rate limiter lock");
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = map.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_per_key() {
        let r = RateLimiter {
            limit: 3,
            ..Default::default()
        };
        assert!((0..3).all(|_| r.allow("1.2.3.4")));
        assert!(!r.allow("1.2.3.4"));
        assert!(r.allow("5.6.7.8"), "other clients are unaffected");
    }
}
