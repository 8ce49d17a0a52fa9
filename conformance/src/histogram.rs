//! Latency quantiles in fixed memory, for runs of any length (`bench`, and the records of a
//! distributed run merged by `bench --merge`).

/// Latency counts in 10 µs buckets up to 1 s, the rest in the last: fixed memory.
pub struct Histogram {
    buckets: Vec<u64>,
    pub max_us: u64,
}

impl Histogram {
    const BUCKET_US: u64 = 10;
    const BUCKETS: usize = 100_000;

    pub fn new() -> Self {
        Histogram {
            buckets: vec![0; Self::BUCKETS],
            max_us: 0,
        }
    }

    pub fn add(&mut self, us: u64) {
        let i = ((us / Self::BUCKET_US) as usize).min(Self::BUCKETS - 1);
        self.buckets[i] += 1;
        self.max_us = self.max_us.max(us);
    }

    pub fn quantile(&self, q: f64) -> u64 {
        let total: u64 = self.buckets.iter().sum();
        let wanted = ((total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, count) in self.buckets.iter().enumerate() {
            seen += count;
            if seen >= wanted {
                return i as u64 * Self::BUCKET_US;
            }
        }
        self.max_us
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}
