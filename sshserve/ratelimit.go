package sshserve

import (
	"sync"
	"time"
)

// maxLimiterEntries bounds the per-address table of the rate limiter.
const maxLimiterEntries = 4096

// rateLimiter is a token bucket per remote address (the shape of wish's
// ratelimiter middleware, which needs modules owg does not carry).
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{rate: perSecond, burst: float64(burst), buckets: map[string]*bucket{}}
}

// allow takes one token from key's bucket, reporting whether there was one.
func (r *rateLimiter) allow(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.buckets[key]
	if !ok {
		if len(r.buckets) >= maxLimiterEntries {
			r.evict(now)
		}
		b = &bucket{tokens: r.burst, last: now}
		r.buckets[key] = b
	}
	b.tokens = min(r.burst, b.tokens+now.Sub(b.last).Seconds()*r.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// evict drops buckets that have refilled (they behave like new ones), and
// if none has, the stalest one.
func (r *rateLimiter) evict(now time.Time) {
	var stalest string
	var stalestAt time.Time
	for k, b := range r.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*r.rate >= r.burst {
			delete(r.buckets, k)
			continue
		}
		if stalest == "" || b.last.Before(stalestAt) {
			stalest, stalestAt = k, b.last
		}
	}
	if len(r.buckets) >= maxLimiterEntries {
		delete(r.buckets, stalest)
	}
}
