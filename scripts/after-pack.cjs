// electron-builder afterPack hook: harden the packaged Electron binary with fuses, for release builds.
exports.default = async function afterPack(context) {
  if (process.env.FERRY_RELEASE !== '1') {
    console.log('after-pack: not a release build (FERRY_RELEASE != 1), fuses left as they are');
    return;
  }
  const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');
  const ext = { darwin: '.app', win32: '.exe', linux: '' }[context.electronPlatformName];
  const name = context.packager.appInfo.productFilename;
  const binary =
    context.electronPlatformName === 'darwin'
      ? `${context.appOutDir}/${name}${ext}`
      : `${context.appOutDir}/${context.electronPlatformName === 'linux' ? context.packager.executableName : name + ext}`;
  await flipFuses(binary, {
    version: FuseVersion.V1,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
  });
};
