// The journal line every live pass leaves when it ends (done, paused, stopped or quit), with its
// counts: one line per pass, so the rows a rotation moved are the sum of these lines' `rotated`.

export const LIVE_PASS_ENDED = 'counts of this live pass when it ended';
