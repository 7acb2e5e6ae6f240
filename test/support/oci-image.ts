import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A minimal valid OCI image layout (image-spec `image-layout.md`), written by hand so the suites need
 * no daemon and no network: one gzip layer holding a tar with one file, a config, a manifest and an
 * `index.json` naming it by tag. Copy it with `skopeo copy oci:<dir>:<tag> docker://…`.
 */

export const ociMediaTypes = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export type OciLayout = {
  /** `sha256:<hex>` of the manifest; what the registry reports for the pushed tag. */
  manifestDigest: string;
  manifestSize: number;
  configDigest: string;
  /** Digest of the compressed layer blob. */
  layerDigest: string;
  /** Digest of the uncompressed tar (the config's `rootfs.diff_ids`). */
  diffId: string;
};

/**
 * Writes the layout into `dir` (created if missing). The same inputs give the same digests.
 *
 * @param options.tag stored as `org.opencontainers.image.ref.name`.
 * @param options.payload content of the single file.
 * @param options.fileName its path in the layer, ASCII, at most 100 bytes; default `payload.txt`.
 */
export async function buildOciLayout(
  dir: string,
  options: { tag: string; payload: string | Uint8Array; fileName?: string },
): Promise<OciLayout> {
  const blobsDir = join(dir, 'blobs', 'sha256');
  await mkdir(blobsDir, { recursive: true });
  const writeBlob = async (content: Buffer): Promise<{ digest: string; size: number }> => {
    const hex = createHash('sha256').update(content).digest('hex');
    await writeFile(join(blobsDir, hex), content);
    return { digest: `sha256:${hex}`, size: content.length };
  };

  const tar = tarWithOneFile(options.fileName ?? 'payload.txt', Buffer.from(options.payload));
  const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  const layer = await writeBlob(gzipSync(tar));
  const config = await writeBlob(
    json({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } }),
  );
  const manifest = await writeBlob(
    json({
      schemaVersion: 2,
      mediaType: ociMediaTypes.manifest,
      config: { mediaType: ociMediaTypes.config, ...config },
      layers: [{ mediaType: ociMediaTypes.layer, ...layer }],
    }),
  );
  await writeFile(
    join(dir, 'index.json'),
    json({
      schemaVersion: 2,
      mediaType: ociMediaTypes.index,
      manifests: [
        {
          mediaType: ociMediaTypes.manifest,
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': options.tag },
        },
      ],
    }),
  );
  await writeFile(join(dir, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }));

  return {
    manifestDigest: manifest.digest,
    manifestSize: manifest.size,
    configDigest: config.digest,
    layerDigest: layer.digest,
    diffId,
  };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

const block = 512;

/**
 * A POSIX ustar archive with one regular file (mode 0644, owner 0:0, mtime 0): a 512-byte header,
 * the content padded to 512 bytes, and the two zero blocks that end an archive.
 */
function tarWithOneFile(name: string, content: Buffer): Buffer {
  if (!/^[\x21-\x7e]{1,100}$/.test(name))
    throw new Error(`tar file name must be 1..100 printable ASCII: ${name}`);
  const header = Buffer.alloc(block);
  const field = (offset: number, length: number, value: string) => {
    header.write(value.slice(0, length), offset, length, 'ascii');
  };
  const octal = (offset: number, length: number, value: number) => {
    field(offset, length - 1, value.toString(8).padStart(length - 1, '0')); // NUL-terminated
  };
  field(0, 100, name);
  octal(100, 8, 0o644); // mode
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  octal(124, 12, content.length); // size
  octal(136, 12, 0); // mtime
  field(148, 8, ' '.repeat(8)); // checksum is computed with its own field as spaces
  field(156, 1, '0'); // regular file
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);

  const padding = Buffer.alloc((block - (content.length % block)) % block);
  return Buffer.concat([header, content, padding, Buffer.alloc(2 * block)]);
}
