// electron-builder's configuration. On Linux, `npm run package` (scripts/package.mjs) uses it with the `dir` target
// and makes the tarball and the .deb from that folder. On macOS and Windows, `npx electron-vite build` then
// `npx electron-builder --mac` / `--win` use it directly (see the README's Install section).
const onLinux = process.platform === 'linux';

module.exports = {
  appId: 'dev.lockstep.desktop',
  productName: 'Lockstep',
  executableName: 'lockstep',
  electronVersion: '25.1.1',
  // On Linux: the runtime scripts/ensure-electron.mjs set up, so nothing is downloaded. Elsewhere electron-builder
  // fetches Electron 25.1.1 for that system the usual way.
  ...(onLinux ? { electronDist: 'node_modules/electron/dist' } : {}),
  directories: { output: 'dist/package', buildResources: 'assets' },
  files: [
    'package.json',
    // The production build: out/main/index.js (main), out/main/store.js (the store process, a utility process main forks
    // from inside app.asar), the preload and the renderer.
    'out/**/*',
    'bin/lockstep.js',
    'bin/compile-cache.js',
    // The CLI, bundled into one file (scripts/bundle-cli.mjs); the compiled modules stay for anything requiring them.
    'dist/cli/lockstep.cjs',
    'dist/cli/**/*.js',
    'dist/store/**/*.js',
    'dist/shared/**/*.js',
    // Built-in team templates (lockstep launch NAME, New team from template…).
    'templates/*.toml',
    '!node_modules/koffi/{src,doc,vendor}/**',
    // koffi ships its native library for every platform; a Linux x64 build needs only that one.
    ...(onLinux ? ['!node_modules/koffi/build/koffi/!(linux_x64)/**'] : []),
  ],
  asar: true,
  // Electron's fuses (scripts/fuses.cjs): RunAsNode kept for the CLI; NODE_OPTIONS and --inspect off; app.asar only.
  afterPack: (context) => require('./scripts/fuses.cjs').afterPack(context),
  asarUnpack: ['node_modules/koffi/build/**'],
  // Dependencies are installed already (koffi brings prebuilt binaries): nothing to rebuild.
  npmRebuild: false,
  nodeGypRebuild: false,
  linux: {
    target: 'dir',
    icon: 'assets/icons',
    category: 'Development',
    executableName: 'lockstep',
    // `lockstep`, the command line on the app's own Node (the .deb links /usr/bin/lockstep to it).
    extraResources: [{ from: 'assets/linux/lockstep-cli.sh', to: 'bin/lockstep' }],
  },
  mac: { target: 'dmg', category: 'public.app-category.developer-tools', icon: 'assets/icons/lockstep-512.png' },
  win: { target: 'nsis', icon: 'assets/icons/lockstep-256.png' },
};
