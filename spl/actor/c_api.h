/* C ABI of the actor runtime (C99). Actors and mailboxes are named by 64-bit generation-checked
 * handles, never pointers: a stale, closed or made-up handle yields a status code, never a crash.
 * Payloads are rt_value (the runtime's 64-bit value currency, DESIGN.md section 6). Every
 * function returns RT_ACTOR_OK (0) or a negative status; rt_last_error() says why. */
#ifndef SPL_ACTOR_C_API_H
#define SPL_ACTOR_C_API_H

#include <stdint.h>

#include "spl/base/c_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef SPL_RT_VALUE_DEFINED
#define SPL_RT_VALUE_DEFINED
typedef uint64_t rt_value;
#endif

typedef uint64_t rt_actor;   /* 0 is never a valid handle */
typedef uint64_t rt_mailbox; /* 0 is never a valid handle */

enum {
  RT_ACTOR_OK = 0,
  RT_ACTOR_CLOSED = -1,   /* the actor stopped or the mailbox was closed */
  RT_ACTOR_FULL = -2,     /* bounded mailbox full (fail policy) */
  RT_ACTOR_DROPPED = -3,  /* bounded mailbox full, message discarded (drop-newest policy) */
  RT_ACTOR_TIMEOUT = -4,  /* nothing within the timeout (receive, ask, blocked send) */
  RT_ACTOR_EMPTY = -5,    /* non-blocking receive found nothing */
  RT_ACTOR_UNKNOWN = -6,  /* not a live handle */
  RT_ACTOR_INVALID = -7,  /* bad argument (null pointer, bad lane or policy) */
  RT_ACTOR_INTERNAL = -8  /* out of memory or another internal failure */
};

enum { RT_LANE_HIGH = 0, RT_LANE_NORMAL = 1, RT_LANE_LOW = 2 };
enum { RT_OVERFLOW_BLOCK = 0, RT_OVERFLOW_DROP_NEWEST = 1, RT_OVERFLOW_DROP_OLDEST = 2, RT_OVERFLOW_FAIL = 3 };

typedef struct rt_stats {
  uint64_t enqueued, dequeued, dropped, depth, high_water;
  uint64_t latency_p50_ns, latency_p99_ns, latency_p999_ns;
} rt_stats;

/* Called once per message on a worker thread. For a message sent with rt_actor_ask, *reply is
 * sent back to the asker. Return 0 to keep going; any other value stops (crashes) the actor. */
typedef int (*rt_actor_fn)(void* state, rt_actor self, rt_value msg, rt_value* reply);

/* The runtime starts on the first rt_actor_spawn with one worker per hardware thread; start it to
 * choose. stop drains for up to drain_ms, then terminates every actor. */
int rt_actor_runtime_start(unsigned workers);
int rt_actor_runtime_stop(uint32_t drain_ms);

/* fn == NULL spawns an inbox actor: nothing runs it, one thread takes its messages with
 * rt_actor_receive / rt_actor_receive_timeout. */
int rt_actor_spawn(rt_actor_fn fn, void* state, rt_actor* out);
int rt_actor_send(rt_actor to, rt_value msg);
int rt_actor_send_priority(rt_actor to, rt_value msg, int lane);
int rt_actor_receive(rt_actor inbox, rt_value* out);
int rt_actor_receive_timeout(rt_actor inbox, uint64_t timeout_ns, rt_value* out);
int rt_actor_ask(rt_actor to, rt_value msg, uint64_t timeout_ns, rt_value* reply);
int rt_actor_close(rt_actor a);
int rt_actor_stats(rt_actor a, rt_stats* out);

/* Standalone mailboxes for threads: capacity 0 means unbounded. */
int rt_mailbox_create(uint64_t capacity, int overflow, uint64_t block_timeout_ns, rt_mailbox* out);
int rt_mailbox_send(rt_mailbox mb, rt_value msg, int lane);
int rt_mailbox_receive(rt_mailbox mb, rt_value* out);
int rt_mailbox_receive_timeout(rt_mailbox mb, uint64_t timeout_ns, rt_value* out);
int rt_mailbox_close(rt_mailbox mb);
int rt_mailbox_stats(rt_mailbox mb, rt_stats* out);
int rt_mailbox_destroy(rt_mailbox mb);

#ifdef __cplusplus
}
#endif

#endif
