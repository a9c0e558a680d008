/* Compiled as C99: the header is valid C and the calls link from C. */
#include <stddef.h>

#include "spl/actor/c_api.h"

int spl_actor_c_api_from_c(void) {
  rt_mailbox mb = 0;
  rt_value v = 0;
  rt_stats stats;
  int ok = rt_mailbox_create(0, RT_OVERFLOW_FAIL, 0, &mb) == RT_ACTOR_OK;
  ok = ok && rt_mailbox_send(mb, 99, RT_LANE_LOW) == RT_ACTOR_OK;
  ok = ok && rt_mailbox_receive(mb, &v) == RT_ACTOR_OK && v == 99;
  ok = ok && rt_mailbox_stats(mb, &stats) == RT_ACTOR_OK && stats.dequeued == 1;
  ok = ok && rt_mailbox_destroy(mb) == RT_ACTOR_OK;
  ok = ok && rt_actor_send(0, 1) == RT_ACTOR_UNKNOWN && rt_last_error()[0] != '\0';
  return ok;
}
