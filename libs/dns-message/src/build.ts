// Small constructors for the common messages, so callers do not spell out headers.
import { CLASS, RCODE } from './constants';
import type { Message, Question } from './types';

export function newQuery(name: string, type: number, opts: { id?: number; rd?: boolean; udpSize?: number } = {}): Message {
  return {
    id: opts.id ?? Math.floor(Math.random() * 0x10000),
    qr: false,
    opcode: 0,
    aa: false,
    tc: false,
    rd: opts.rd ?? true,
    ra: false,
    ad: false,
    cd: false,
    rcode: RCODE.NOERROR,
    questions: [{ name, type, class: CLASS.IN }],
    answers: [],
    authority: [],
    additional: [],
    edns: opts.udpSize ? { udpSize: opts.udpSize, version: 0, dnssecOk: false, options: [] } : undefined,
  };
}

/** A response skeleton echoing the query's id, opcode, RD, CD and question. */
export function responseTo(query: Pick<Message, 'id' | 'opcode' | 'rd' | 'cd'> & { questions: Question[] }, rcode: number = RCODE.NOERROR): Message {
  return {
    id: query.id,
    qr: true,
    opcode: query.opcode,
    aa: false,
    tc: false,
    rd: query.rd,
    ra: true,
    ad: false,
    cd: query.cd,
    rcode,
    questions: query.questions.slice(0, 1),
    answers: [],
    authority: [],
    additional: [],
  };
}
