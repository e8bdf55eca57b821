/**
 * bcrypt verification against published vectors: pyca/bcrypt's test suite
 * (https://github.com/pyca/bcrypt/blob/main/tests/test_bcrypt.py, whose `$2a$05$CCC…` vectors come
 * from Openwall's crypt_blowfish), jBCrypt's TestBCrypt.java (https://www.mindrot.org/projects/jBCrypt/),
 * and hashes made with the C library's crypt(3) (libxcrypt, https://github.com/besser82/libxcrypt)
 * through `perl -e 'print crypt(...)'`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifyBcrypt } from '../../src/app/bcrypt.js';
import { BLOWFISH_INIT } from '../../src/app/bcrypt-pi.js';

const VECTORS: [string, string][] = [
  // pyca/bcrypt
  ['Kk4DQuMMfZL9o', '$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm'],
  ['9IeRXmnGxMYbs', '$2b$04$pQ7gRO7e6wx/936oXhNjrOUNOHL1D0h1N2IDbJZYs.1ppzSof6SPy'],
  ['J8eHUDuxBB520', '$2b$04$VvlCUKbTMjaxaYJ.k5juoecpG/7IzcH1AkmqKi.lIZMVIOLClWAk.'],
  ['U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['U*U*', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK'],
  ['U*U*U', '$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a'],
  // jBCrypt (the empty password is refused before bcrypt by the login; bcrypt itself accepts it)
  ['', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.'],
  ['abc', '$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i'],
  ['abcdefghijklmnopqrstuvwxyz', '$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC'],
  // libxcrypt: $2y$ (PHP's name for the same algorithm), and a cost-10 hash of a longer password
  ['U*U', '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'],
  ['abc', '$2b$10$If6bvum7DFjUnE9p2uDeDu7liFuTRuKHRe2.Lj1PiH/HDKVoaZ/gG'],
];

test('bcrypt hashes from pyca/bcrypt, jBCrypt and libxcrypt verify with their password and not with another', async () => {
  for (const [pw, hash] of VECTORS) {
    assert.equal(await verifyBcrypt(pw, hash), true, `${pw} ${hash}`);
    assert.equal(await verifyBcrypt(`${pw}x`, hash), false, `${pw}x ${hash}`);
  }
});

test('bcrypt reads only the first 72 bytes of a password, as every implementation does', async () => {
  const long = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const hash = '$2b$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui'; // libxcrypt
  assert.equal(await verifyBcrypt(`${long}chars after 72 are ignored`, hash), true);
  assert.equal(await verifyBcrypt(long, hash), true);
  assert.equal(await verifyBcrypt(long.slice(0, 71), hash), false);
});

test('a malformed, buggy-variant or too costly bcrypt hash never verifies and never throws', async () => {
  for (const bad of [
    '$2x$05$CCCCCCCCCCCCCCCCCCCCC.Xn7FSvv79c6bu/kgV/.kBlx/ChE9.FW', // crypt_blowfish's buggy $2x$
    '$2b$03$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm',
    '$2b$31$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YEm',
    '$2b$04$cVWp4XaNU8a4v1uMRum2SO026BWLIoQMD/TXg5uZV.0P.uO8m3YE',
    '$2b$04$?Siw3Nv3Q/gTOIPetAyPr.GNj3aO0lb1E5E9UumYGKjP9BYqlNWJe',
  ]) {
    assert.equal(await verifyBcrypt('U*U', bad), false, bad);
  }
});

test("Blowfish's initial state is the first 8,336 hexadecimal digits of pi's fraction", () => {
  const words = BLOWFISH_INIT.length;
  assert.equal(words, 18 + 4 * 256);
  const one = 1n << BigInt(words * 32 + 64);
  const atanInv = (x: bigint): bigint => {
    let sum = 0n;
    let term = one / x;
    for (let k = 0n; term !== 0n; k++) {
      sum += (k % 2n === 0n ? 1n : -1n) * (term / (2n * k + 1n));
      term /= x * x;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n); // Machin's formula
  const hex = ((pi - 3n * one) >> 64n).toString(16).padStart(words * 8, '0');
  const table = [...BLOWFISH_INIT].map((w) => w.toString(16).padStart(8, '0')).join('');
  assert.equal(table, hex);
  assert.equal(table.slice(0, 16), '243f6a8885a308d3');
});
