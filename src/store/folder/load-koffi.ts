import * as path from 'path';

/**
 * koffi. Its entry (index.js) also loads the helpers of its installer (https, zlib, crypto: 7 to 10 ms of a CLI
 * call that takes a lock), and all flock needs is the prebuilt native module, whose folder is named by platform and
 * arch; it is loaded directly where that name is ours (x64 and arm64 on Linux, macOS, Windows). Anything else, or any
 * failure (musl, a packaged app), goes through koffi's entry.
 */
export function loadKoffi(): typeof import('koffi') {
  if ((process.arch === 'x64' || process.arch === 'arm64') && ['linux', 'darwin', 'win32'].includes(process.platform)) {
    try {
      const dir = path.dirname(require.resolve('koffi/package.json'));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const native = require(
        path.join(dir, 'build', 'koffi', `${process.platform}_${process.arch}`, 'koffi.node'),
      ) as typeof import('koffi');
      if (typeof native?.load === 'function' && typeof native.errno === 'function' && typeof native.struct === 'function') return native;
    } catch {
      // koffi's entry below finds it
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('koffi') as typeof import('koffi');
}
