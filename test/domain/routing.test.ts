import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Route, route } from '../../src/domain/routing.js';

const r = (x: Partial<Route> & { carrier: string }): Route => ({
  prefixes: [],
  accounts: [],
  failover: [],
  ...x,
});
const alice = { username: 'alice', numbers: ['+15550001111', '+15550002222'] };
const bob = { username: 'bob', numbers: [] };

test('the first matching route wins, in configuration order', () => {
  const routes = [
    r({ prefixes: ['+44'], carrier: 'uk' }),
    r({ prefixes: ['+4420'], carrier: 'london' }),
    r({ carrier: 'world' }),
  ];
  assert.equal(route(routes, '+442071234567', alice)?.carriers[0], 'uk');
  assert.equal(route(routes, '+15551234567', alice)?.carriers[0], 'world');
});

test('a route without prefixes is a default route; without one, an unmatched number has no route', () => {
  assert.equal(route([r({ prefixes: ['+44'], carrier: 'uk' })], '+15551234567', alice), undefined);
  assert.equal(route([], '+15551234567', alice), undefined);
});

test('an account filter restricts a route to the listed senders', () => {
  const routes = [r({ accounts: ['bob'], carrier: 'bobs' }), r({ carrier: 'others' })];
  assert.equal(route(routes, '+15551234567', bob)?.carriers[0], 'bobs');
  assert.equal(route(routes, '+15551234567', alice)?.carriers[0], 'others');
});

test('failover carriers follow the main one, without repeating it', () => {
  const choice = route([r({ carrier: 'a', failover: ['b', 'a', 'c'] })], '+1555', alice);
  assert.deepEqual(choice?.carriers, ['a', 'b', 'c']);
});

test("the sender ID is the account's first number, or the route's number when the account owns it", () => {
  assert.equal(route([r({ carrier: 'a' })], '+1555', alice)?.from, '+15550001111');
  assert.equal(route([r({ carrier: 'a', from: '+15550002222' })], '+1555', alice)?.from, '+15550002222');
  assert.equal(route([r({ carrier: 'a', from: '+19999999999' })], '+1555', alice)?.from, '+15550001111');
  assert.equal(route([r({ carrier: 'a' })], '+1555', bob)?.from, 'bob');
});
