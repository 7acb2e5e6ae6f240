/**
 * The two-factor QR code, drawn in the browser (the `qrcode` package's SVG renderer): the
 * otpauth URI holds the TOTP secret, so it never goes to an outside service.
 */
import QRCode from 'qrcode';

/** A `data:image/svg+xml` URL of the QR code for `text` (allowed by the console's CSP). */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
