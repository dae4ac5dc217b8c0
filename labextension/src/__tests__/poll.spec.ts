import { backoffDelay, Poller } from '../poll';

/** A fake clock: timers run only when the test says so. */
class Clock {
  timers: { fn: () => void; ms: number }[] = [];
  set = (fn: () => void, ms: number) => {
    const t = { fn, ms };
    this.timers.push(t);
    return t;
  };
  clear = (t: unknown) => {
    this.timers = this.timers.filter(x => x !== t);
  };
  async fire(): Promise<number> {
    const t = this.timers.shift();
    if (!t) {
      throw new Error('no timer');
    }
    t.fn();
    await new Promise(r => setTimeout(r, 0));
    return t.ms;
  }
}

describe('backoffDelay', () => {
  it('goes 1 s, 2 s, 5 s, then stays at 10 s', () => {
    expect([0, 1, 2, 3, 4, 50].map(i => backoffDelay(i))).toEqual([
      1000, 2000, 5000, 10000, 10000, 10000
    ]);
  });
});

describe('Poller', () => {
  it('backs off while nothing changes and stops when nothing is left', async () => {
    const clock = new Clock();
    let ticks = 0;
    const poller = new Poller({
      tick: async () => ({ more: ++ticks < 5, changed: false }),
      active: () => true,
      setTimer: clock.set,
      clearTimer: clock.clear
    });
    poller.kick();
    const delays = [];
    for (let i = 0; i < 5; i++) {
      delays.push(await clock.fire());
    }
    expect(delays).toEqual([1000, 2000, 5000, 10000, 10000]);
    expect(clock.timers).toHaveLength(0);
    expect(poller.running).toBe(false);
  });

  it('starts again from 1 s when a tick sees a change', async () => {
    const clock = new Clock();
    const changes = [false, false, true, false];
    const poller = new Poller({
      tick: async () => ({ more: true, changed: changes.shift() ?? false }),
      active: () => true,
      setTimer: clock.set,
      clearTimer: clock.clear
    });
    poller.kick();
    const delays = [];
    for (let i = 0; i < 5; i++) {
      delays.push(await clock.fire());
    }
    expect(delays).toEqual([1000, 2000, 5000, 1000, 2000]);
  });

  it('does not poll while inactive, and resumes when active again', async () => {
    const clock = new Clock();
    let active = false;
    let ticks = 0;
    const poller = new Poller({
      tick: async () => {
        ticks++;
        return { more: true };
      },
      active: () => active,
      setTimer: clock.set,
      clearTimer: clock.clear
    });
    poller.kick();
    expect(clock.timers).toHaveLength(0);
    active = true;
    poller.resume();
    await clock.fire();
    expect(ticks).toBe(1);
    poller.pause();
    expect(clock.timers).toHaveLength(0);
    poller.resume();
    expect(clock.timers).toHaveLength(1);
    poller.dispose();
    expect(clock.timers).toHaveLength(0);
  });

  it('keeps going (with backoff) when a tick throws', async () => {
    const clock = new Clock();
    const poller = new Poller({
      tick: async () => {
        throw new Error('boom');
      },
      active: () => true,
      setTimer: clock.set,
      clearTimer: clock.clear
    });
    poller.kick();
    expect(await clock.fire()).toBe(1000);
    expect(await clock.fire()).toBe(2000);
    poller.dispose();
  });
});
