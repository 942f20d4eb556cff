// Draws the sign-off certificate with pdf-lib, on the server, with no browser. Deterministic: the
// same CertificateData gives the same bytes (fixed dates, producer and creator, no random ids, no
// object streams), so a certificate downloaded again hashes the same as the one first issued.
import { PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import { formatBytes } from '../../format/bytes';
import { formatDateTime } from '../../format/dates';
import { periodLabel } from '../../format/periods';
import { auditActionDetail, auditActionLabel } from '../../format/audit-actions';
import { plural } from '../../format/words';
import { deviceSummary } from '../auth/devices';
import type { SignInMethod } from '../db/schema';
import type { CertificateData } from './certificate-data';
import { certificateFonts, fontkit, type FontFile, type FontName } from './fonts';
import { toDrawable, wrapText } from './text-layout';

/** What the metadata's Keywords carry, so verification can tell what a file claims to be. */
export const CERTIFICATE_KEYWORD = 'sheaf-certificate';

const PAGE = { width: 595.28, height: 841.89 }; // A4
const MARGIN = 50;
const FOOTER = 36;
const WIDTH = PAGE.width - 2 * MARGIN;
const LABEL = 112; // the label column of a field, in points
const LABEL_GAP = 8; // at least this much between a label and its value
const INK = rgb(0.11, 0.11, 0.12);
const MUTED = rgb(0.4, 0.41, 0.43);
const BRAND = rgb(0.12, 0.44, 0.36);
const RULE = rgb(0.82, 0.82, 0.8);

const SIGN_IN_WORDS: Record<SignInMethod, string> = {
  link: 'emailed sign-in link',
  code: 'emailed one-time code',
  passkey: 'passkey'
};

/** Each font embedded in the document, with what its file can draw. */
type Fonts = Record<FontName, { pdf: PDFFont; file: FontFile }>;

interface Style {
  font?: FontName;
  size?: number;
  color?: ReturnType<typeof rgb>;
  indent?: number;
  /** A field's label column, when wider than LABEL (fieldLabelWidth measures it). */
  labelWidth?: number;
}

/** A cursor down the pages: text wraps to the width, and a new page starts when one is full. */
class Sheet {
  readonly pages: PDFPage[] = [];
  private page!: PDFPage;
  private y = 0;

  constructor(
    private pdf: PDFDocument,
    readonly fonts: Fonts
  ) {
    this.newPage();
  }

  private newPage() {
    this.page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.pages.push(this.page);
    this.y = PAGE.height - MARGIN;
  }

  /** Starts a new page unless `height` more points fit on this one. */
  need(height: number) {
    if (this.y - height < MARGIN + FOOTER) this.newPage();
  }

  gap(points: number) {
    this.y -= points;
  }

  /** Draws an image at the left margin, `height` points high. */
  image(image: PDFImage, width: number, height: number) {
    this.need(height);
    this.page.drawImage(image, { x: MARGIN, y: this.y - height, width, height });
    this.y -= height;
  }

  /** Draws text at `x`, wrapped to `width`; returns how many lines it took. */
  private draw(text: string, x: number, width: number, style: Style, keepFirst = false) {
    const { pdf: font, file } = this.fonts[style.font ?? 'regular'];
    const size = style.size ?? 9.5;
    const lineHeight = size * 1.4;
    const drawable = toDrawable(text, file.draws);
    const lines = wrapText(drawable, width, (s) => file.width(s, size));
    lines.forEach((line, i) => {
      if (!(keepFirst && i === 0)) this.need(lineHeight);
      this.page.drawText(line, { x, y: this.y - size, size, font, color: style.color ?? INK });
      this.y -= lineHeight;
    });
    return lines.length;
  }

  text(text: string, style: Style = {}) {
    const indent = style.indent ?? 0;
    this.draw(text, MARGIN + indent, WIDTH - indent, style);
  }

  heading(text: string) {
    this.need(40);
    this.gap(10);
    this.text(text, { font: 'bold', size: 12, color: BRAND });
    this.page.drawLine({
      start: { x: MARGIN, y: this.y + 2 },
      end: { x: MARGIN + WIDTH, y: this.y + 2 },
      thickness: 0.5,
      color: RULE
    });
    this.gap(6);
  }

  /** The label column that fits each of these labels at `size` (at least LABEL). */
  fieldLabelWidth(labels: string[], size: number): number {
    const bold = this.fonts.bold.file;
    const widest = Math.max(0, ...labels.map((l) => bold.width(toDrawable(l, bold.draws), size)));
    return Math.max(LABEL, Math.ceil(widest + LABEL_GAP));
  }

  /**
   * "Label    value": the label in its own column, the value wrapped beside it. A label too wide
   * for its column pushes its value along rather than running into it.
   */
  field(label: string, value: string, style: Style = {}) {
    const indent = style.indent ?? 0;
    const size = style.size ?? 9.5;
    const column = Math.max(style.labelWidth ?? LABEL, this.fieldLabelWidth([label], size));
    this.need(size * 1.4);
    const top = this.y;
    this.page.drawText(toDrawable(label, this.fonts.bold.file.draws), {
      x: MARGIN + indent,
      y: this.y - size,
      size,
      font: this.fonts.bold.pdf,
      color: MUTED
    });
    const x = MARGIN + indent + column;
    if (this.draw(value, x, WIDTH - indent - column, style, true) === 0) this.y = top - size * 1.4;
  }

  footer(words: (page: number, pages: number) => string) {
    this.pages.forEach((page, i) => {
      page.drawText(toDrawable(words(i + 1, this.pages.length), this.fonts.regular.file.draws), {
        x: MARGIN,
        y: MARGIN - 14,
        size: 7.5,
        font: this.fonts.regular.pdf,
        color: MUTED
      });
    });
  }
}

/** "2 Dec 2026, 09:00 EST (2 Dec 2026, 14:00 UTC)": the firm's zone, then UTC. */
function when(at: Date, timeZone: string): string {
  const utc = formatDateTime(at, 'UTC', { year: true });
  return timeZone === 'UTC' ? utc : `${formatDateTime(at, timeZone, { year: true })} (${utc})`;
}

/** The certificate's file name: "Sign-off certificate Q3 2026 Acme Bakery v2.pdf". */
export function certificateFilename(data: Pick<CertificateData, 'client' | 'period' | 'version'>) {
  return `Sign-off certificate ${periodLabel(data.period)} ${data.client.name} v${data.version}.pdf`;
}

/** The firm's logo as the certificate shows it: a PNG (firm/logo.ts) and its pixel size. */
export interface CertificateLogo {
  png: Uint8Array;
  width: number;
  height: number;
}

const LOGO_HEIGHT = 40; // points

/** The certificate's PDF bytes; the same data and logo give the same bytes. */
export async function renderCertificate(
  data: CertificateData,
  logo: CertificateLogo | null = null
): Promise<Uint8Array> {
  const tz = data.firm.timeZone;
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(`Sign-off certificate: ${data.title}, version ${data.version}`);
  pdf.setAuthor(data.firm.name);
  pdf.setSubject(`Sign-off certificate of packet ${data.packetId} version ${data.version}`);
  pdf.setKeywords([CERTIFICATE_KEYWORD, `packet:${data.packetId}`, `version:${data.version}`]);
  pdf.setProducer('Sheaf');
  pdf.setCreator('Sheaf');
  pdf.setCreationDate(data.signedOffAt);
  pdf.setModificationDate(data.signedOffAt);
  const files = certificateFonts();
  pdf.registerFontkit(fontkit);
  const embed = async (name: FontName) => ({
    pdf: await pdf.embedFont(files[name].bytes, { subset: true }),
    file: files[name]
  });
  const sheet = new Sheet(pdf, {
    regular: await embed('regular'),
    bold: await embed('bold'),
    mono: await embed('mono')
  });

  if (logo) {
    const height = Math.min(LOGO_HEIGHT, (LOGO_HEIGHT * 4 * logo.height) / logo.width);
    sheet.image(await pdf.embedPng(logo.png), (height * logo.width) / logo.height, height);
    sheet.gap(10);
  }
  sheet.text(data.firm.name, { font: 'bold', size: 11, color: BRAND });
  sheet.gap(4);
  sheet.text('Sign-off certificate', { font: 'bold', size: 22 });
  sheet.text(
    `${data.client.name} approved version ${data.version} of “${data.title}” ` +
      `(${periodLabel(data.period)}) on ${when(data.signedOffAt, tz)}.`,
    { size: 10.5, color: MUTED }
  );

  sheet.heading('Packet');
  sheet.field('Firm', data.firm.name);
  sheet.field('Client', `${data.client.name} (${data.client.code})`);
  sheet.field('Packet', data.title);
  sheet.field('Period', periodLabel(data.period));
  sheet.field('Version', `${data.version}, published ${when(data.publishedAt, tz)}`);
  sheet.field(
    'Signed off',
    `${when(data.signedOffAt, tz)}, under the firm's rule: ` +
      (data.firm.approvalRule === 'all' ? 'every approver approves' : 'any one approver approves')
  );
  sheet.field('Packet id', data.packetId, { font: 'mono', size: 8.5 });

  sheet.heading(`Documents (${data.documents.length})`);
  sheet.text(
    'As approved, each with the SHA-256 fingerprint of the file as it was uploaded. A file whose ' +
      'SHA-256 is the same is byte for byte the file approved.',
    { size: 8.5, color: MUTED }
  );
  data.documents.forEach((doc, i) => {
    sheet.need(46);
    sheet.gap(5);
    sheet.text(`${i + 1}. ${doc.name}`, { font: 'bold' });
    sheet.text(`${doc.filename} · ${plural(doc.pages, 'page')} · ${formatBytes(doc.bytes)}`, {
      indent: 12,
      size: 8.5,
      color: MUTED
    });
    sheet.field('SHA-256', doc.sha256, { indent: 12, font: 'mono', size: 8 });
  });

  sheet.heading(`${data.approvals.length === 1 ? 'Approval' : 'Approvals'}`);
  for (const a of data.approvals) {
    sheet.need(90);
    sheet.gap(5);
    sheet.text(a.name ? `${a.name} <${a.email}>` : a.email, { font: 'bold' });
    sheet.field('Approved', when(a.at, tz), { indent: 12 });
    sheet.field('From', a.ip ?? 'not recorded', { indent: 12 });
    sheet.field('Device', deviceSummary(a.userAgent), { indent: 12 });
    if (a.userAgent) sheet.field('User agent', a.userAgent, { indent: 12, size: 8 });
    sheet.field('Signed in with', a.signInMethod ? SIGN_IN_WORDS[a.signInMethod] : 'not recorded', {
      indent: 12
    });
    sheet.field('Consent', a.consent ? `“${a.consent}”` : 'not recorded', { indent: 12 });
  }

  sheet.heading(`Audit events of version ${data.version}, up to sign-off`);
  if (data.events.length === 0) sheet.text('None recorded.', { color: MUTED });
  // One column for every event's time, as wide as the widest ("17 Dec 2026, 20:02 GMT+1").
  const times = data.events.map((e) => formatDateTime(e.at, tz, { year: true }));
  const labelWidth = sheet.fieldLabelWidth(times, 8.5);
  data.events.forEach((e, i) => {
    sheet.need(26);
    sheet.field(
      times[i],
      `${e.actor} ${auditActionLabel(e.action)}${auditActionDetail(e.action, e.data)}`,
      { size: 8.5, labelWidth }
    );
  });

  sheet.gap(14);
  sheet.text(
    `Issued by ${data.firm.name} through Sheaf. To check that this file is the certificate the ` +
      'firm issued, and that the documents it names are unchanged, ask the firm to verify it.',
    { size: 8.5, color: MUTED }
  );
  sheet.footer(
    (page, pages) =>
      `Sign-off certificate · packet ${data.packetId} · version ${data.version} · ` +
      `page ${page} of ${pages}`
  );
  return pdf.save({ useObjectStreams: false });
}
