// Electron's fuses for the packaged app, flipped by electron-builder's afterPack hook (electron-builder.cjs)
// in the Electron binary of the package, before it is signed or archived:
// - RunAsNode stays on: the `lockstep` command line of an installed app runs on the app's own Node through it
//   (assets/linux/lockstep-cli.sh sets ELECTRON_RUN_AS_NODE=1);
// - NODE_OPTIONS and --inspect / --inspect-brk are ignored (nobody injects code or attaches a debugger through the
//   environment or the command line);
// - the app is loaded only from app.asar; cookies are encrypted;
// - asar integrity is checked on macOS and Windows, where electron-builder embeds the hashes; Electron 25 has no
//   asar integrity on Linux, so there it stays off.
const path = require('path');
const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');

function fuseConfig(platform, arch) {
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: platform === 'darwin' && arch === 'arm64',
    [FuseV1Options.RunAsNode]: true,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: platform === 'darwin' || platform === 'win32',
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
  };
}

/** The Electron binary electron-builder put in `appOutDir`. */
function electronBinary(appOutDir, platform, productFilename, executableName) {
  if (platform === 'darwin') return path.join(appOutDir, `${productFilename}.app`);
  if (platform === 'win32') return path.join(appOutDir, `${productFilename}.exe`);
  return path.join(appOutDir, executableName);
}

/** electron-builder's afterPack hook. */
async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = context.arch === 3 ? 'arm64' : 'x64';
  const info = context.packager.appInfo;
  const binary = electronBinary(context.appOutDir, platform, info.productFilename, context.packager.executableName ?? 'lockstep');
  await flipFuses(binary, fuseConfig(platform, arch));
}

module.exports = { afterPack, fuseConfig, electronBinary };
