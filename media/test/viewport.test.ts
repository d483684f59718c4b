import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clampScale, fitTransform, isTransform, revealTransform, toScreen, wheelFactor, ZOOM, zoomAt } from '../src/dag/viewport';

const view = { width: 800, height: 600 };

test('fit centres the graph and never enlarges beyond 100%', () => {
  const t = fitTransform({ x: 0, y: 0, width: 200, height: 100 }, view, 20);
  assert.equal(t.k, 1);
  const s = toScreen(t, { x: 0, y: 0, width: 200, height: 100 });
  assert.equal(s.x + s.width / 2, 400);
  assert.equal(s.y + s.height / 2, 300);
});

test('fit scales a big graph down to fit inside the padding', () => {
  const bounds = { x: -50, y: 10, width: 1600, height: 900 };
  const t = fitTransform(bounds, view, 20);
  const s = toScreen(t, bounds);
  assert.ok(s.x >= 19.9 && s.x + s.width <= 780.1 && s.y >= 19.9 && s.y + s.height <= 580.1);
  assert.ok(Math.abs(s.x - 20) < 0.1 || Math.abs(s.y - 20) < 0.1, 'touches the padding on one axis');
});

test('fit of a graph too tall even at the smallest zoom starts at its top', () => {
  const t = fitTransform({ x: 0, y: 0, width: 200, height: 100000 }, view, 20);
  assert.equal(t.k, ZOOM.min);
  assert.equal(t.y, 20);
});

test('the opening view of a huge flow stays readable: top of the graph, centred', () => {
  const bounds = { x: -100, y: 0, width: 200, height: 20000 };
  const t = fitTransform(bounds, view, 20, 1, ZOOM.readable);
  assert.equal(t.k, ZOOM.readable);
  assert.equal(t.y, 20);
  const s = toScreen(t, bounds);
  assert.equal(s.x + s.width / 2, view.width / 2);
  assert.equal(fitTransform({ x: 0, y: 0, width: 200, height: 100 }, view, 20, 1, ZOOM.readable).k, 1, 'small graphs unaffected');
});

test('zooming keeps the point under the pointer fixed and stays within bounds', () => {
  const t = { x: 30, y: -40, k: 0.8 };
  const at = { x: 310, y: 205 };
  const z = zoomAt(t, 1.5, at);
  const gx = (at.x - t.x) / t.k;
  const gy = (at.y - t.y) / t.k;
  assert.ok(Math.abs(gx * z.k + z.x - at.x) < 1e-9 && Math.abs(gy * z.k + z.y - at.y) < 1e-9);
  assert.equal(zoomAt(t, 1000, at).k, ZOOM.max);
  assert.equal(zoomAt(t, 1e-6, at).k, ZOOM.min);
  assert.equal(clampScale(Number.NaN), 1);
});

test('wheel: down zooms out, up zooms in, symmetric, bounded per event', () => {
  assert.ok(wheelFactor(100) < 1 && wheelFactor(-100) > 1);
  assert.ok(Math.abs(wheelFactor(100) * wheelFactor(-100) - 1) < 1e-12);
  assert.equal(wheelFactor(5000), wheelFactor(400));
  assert.ok(wheelFactor(3, 1) < wheelFactor(3, 0), 'line mode scrolls more per unit');
});

test('reveal leaves a visible node alone and pans minimally to an off-screen one, same zoom', () => {
  const t = { x: 0, y: 0, k: 0.5 };
  const visible = { x: 200, y: 200, width: 150, height: 50 };
  assert.equal(revealTransform(t, visible, view), t);
  const below = { x: 200, y: 3000, width: 150, height: 50 };
  const r = revealTransform(t, below, view, 32);
  assert.equal(r.k, t.k);
  assert.equal(r.x, t.x);
  const s = toScreen(r, below);
  assert.ok(Math.abs(s.y + s.height - (view.height - 32)) < 1e-9, 'bottom edge lands at the margin');
  const left = revealTransform(t, { x: -1000, y: 100, width: 150, height: 50 }, view, 32);
  assert.equal(toScreen(left, { x: -1000, y: 100, width: 150, height: 50 }).x, 32);
});

test('saved transforms are validated', () => {
  assert.ok(isTransform({ x: 1, y: 2, k: 0.5 }));
  assert.ok(!isTransform({ x: 1, y: 2, k: 0 }));
  assert.ok(!isTransform({ x: '1', y: 2, k: 1 }));
  assert.ok(!isTransform(null));
});
