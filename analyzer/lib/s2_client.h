/*
 * s2_client.h: stage 2, OpenSSH client output. `ssh -v` output as pasted
 * into a ticket has no syslog header: its lines are recognised from their
 * content (the OpenSSH_x.y banner, debugN: lines, the client's own
 * messages, a shell prompt with an ssh command line). Includes stage 0.
 */
#ifndef SW_S2_CLIENT_H
#define SW_S2_CLIENT_H

#include "s0_common.h"

/*
 * Whether `line` is a line of OpenSSH client output. On 1, *message is the
 * part to match: the line without leading blanks and a trailing CR, and
 * for a prompt with a command line ("alice@laptop:~$ ssh -v host"), the
 * command from "ssh" on. A line that is only plausible (no known shape)
 * gives 0.
 */
int sw_client_line(struct sw_span line, struct sw_span *message);

#endif
