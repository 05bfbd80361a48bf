import { AssetManifest } from '@aws-cdk/cdk-assets-lib';
import { dirname, relative } from 'path';
import { checkSchemaVersion } from '../assembly';
import { AssemblyError, AssemblyFiles, asObject, describeJson } from '../assembly-files';
import { quoted } from '../text';

/** A file asset of an asset manifest, as written (checked later, field by field). */
export interface FileAssetEntry {
  readonly assetId: string;
  readonly displayName: string;
  readonly source: Record<string, unknown>;
  /** Destination id → destination, as written. */
  readonly destinations: Record<string, unknown>;
}

/** An asset manifest (`*.assets.json`) of the assembly, read safely. */
export interface ReadAssetManifest {
  /** The real path of the folder it sits in; its sources are relative to it. */
  readonly directory: string;
  readonly files: FileAssetEntry[];
  /** The same manifest for `@aws-cdk/cdk-assets-lib` to publish. */
  readonly manifest: AssetManifest;
}

/** What CDK writes as an asset id (a hash): it names a file of the packaging cache, so nothing else is taken. */
const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * Reads an asset manifest of the assembly (its real path, inside it) without handing its text to
 * anything that would echo it: the schema version must be one the command knows, container image
 * assets are refused (publish-assets publishes code files), and each file asset must have an id,
 * a source and destinations.
 */
export function readAssetManifest(files: AssemblyFiles, realPath: string, stackName: string): ReadAssetManifest {
  const what = `the asset manifest of stack ${quoted(stackName)}`;
  const value = asObject(files.readJson(relative(files.root, realPath), what).value);
  if (!value) throw new AssemblyError(`${what} is not a JSON object; synthesize the app again`);
  checkSchemaVersion(value, what);
  const images = asObject(value.dockerImages);
  if (images && Object.keys(images).length > 0) {
    const [assetId] = Object.keys(images);
    throw new AssemblyError(`stack ${quoted(stackName)} has a container-image asset (${quoted(assetId)}), which publish-assets does not publish: ship the code as a Lambda zip asset`);
  }
  const fileAssets = value.files === undefined ? {} : asObject(value.files);
  if (!fileAssets) throw new AssemblyError(`${what} has 'files' that are ${describeJson(value.files)}, not an object; synthesize the app again`);
  const entries: FileAssetEntry[] = Object.entries(fileAssets).map(([assetId, raw]) => {
    const asset = asObject(raw);
    const source = asObject(asset?.source);
    const destinations = asObject(asset?.destinations);
    if (!ASSET_ID.test(assetId) || !source || !destinations) {
      throw new AssemblyError(`${what} has an asset ${quoted(assetId)} that is not a file asset CDK writes (a hash id with a source and destinations); synthesize the app again`);
    }
    const displayName = typeof asset!.displayName === 'string' ? asset!.displayName : assetId;
    return { assetId, displayName, source, destinations };
  });
  const directory = dirname(realPath);
  return { directory, files: entries, manifest: new AssetManifest(directory, value as unknown as ConstructorParameters<typeof AssetManifest>[1]) };
}
