// A shared, coarse "now" so relative times ("12 s ago") keep moving without each component owning a timer.
let now = $state(Date.now());

setInterval(() => {
  now = Date.now();
}, 5_000);

export const clock = {
  get now(): number {
    return now;
  },
};
