// The BPF ring buffer reader: mmap'd producer/consumer pages, records handed out in place.
import { mapShared, unmap, PROT_READ, PROT_WRITE, type Mapping } from '../sys/mmap.js';

const BUSY = 0x80000000;
const DISCARD = 0x40000000;
const HEADER = 8;

/** Called per record with the buffer holding it, the data's offset and length (valid only during the call). */
export type RecordSink = (buf: Buffer, offset: number, length: number) => void;

export class RingReader {
  private consumer: Mapping;
  private producer: Mapping;
  private cons: DataView;
  private prod: DataView;
  private data: Buffer;
  private mask: number;
  private page: number;

  constructor(fd: number, size: number, pageSize = 4096) {
    this.page = pageSize;
    this.mask = size - 1;
    this.consumer = mapShared(fd, pageSize, PROT_READ | PROT_WRITE, 0);
    this.producer = mapShared(fd, pageSize + 2 * size, PROT_READ, pageSize);
    this.cons = new DataView(this.consumer.buffer);
    this.prod = new DataView(this.producer.buffer);
    this.data = Buffer.from(this.producer.buffer);
  }

  private static read64(v: DataView): number {
    return v.getUint32(0, true) + v.getUint32(4, true) * 0x100000000;
  }

  /** Bytes the producer has written that we have not consumed. */
  pending(): number {
    if (this.closed) return 0;
    return RingReader.read64(this.prod) - RingReader.read64(this.cons);
  }

  /** Hands every complete record to `sink`; returns how many. `limit` bounds the work of one call. */
  drain(sink: RecordSink, limit = Infinity): number {
    if (this.closed) return 0;
    let cons = RingReader.read64(this.cons);
    const prod = RingReader.read64(this.prod);
    let n = 0;
    const base = this.page;
    while (cons < prod && n < limit) {
      const at = base + (cons & this.mask);
      const hdr = this.data.readUInt32LE(at);
      if (hdr & BUSY) break;
      const len = hdr & ~(BUSY | DISCARD);
      if (!(hdr & DISCARD)) {
        sink(this.data, at + HEADER, len);
        n++;
      }
      cons += (len + HEADER + 7) & ~7;
      if ((n & 1023) === 0) this.commit(cons);
    }
    this.commit(cons);
    return n;
  }

  private commit(pos: number): void {
    this.cons.setUint32(0, pos % 0x100000000, true);
    this.cons.setUint32(4, Math.floor(pos / 0x100000000), true);
  }

  private closed = false;

  /** Unmaps the buffer; later drains find nothing (the memory is gone). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    unmap(this.consumer);
    unmap(this.producer);
  }
}
