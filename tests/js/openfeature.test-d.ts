// Type test of hearth/openfeature against the real @openfeature/web-sdk
// types: the provider is accepted by OpenFeature.setProvider, flag values
// come back typed, and misuse does not compile. Never executed.

import { OpenFeature, type Provider, type ResolutionDetails } from '@openfeature/web-sdk';
import { createHearth, type Hearth } from 'hearth';
import {
  DEAL_CONTEXT_KEYS,
  HearthProvider,
  RFM_FIELDS,
  SEGMENTS,
  SLOTS,
  TRACKED_EVENTS,
  type HearthFlagKey,
  type HearthProviderOptions,
  type PickFlagValue,
} from 'hearth/openfeature';

declare const hearth: Hearth;

const fromInstance: Provider = new HearthProvider(hearth);
const fromPromise = new HearthProvider(createHearth({ storage: 'memory' }), { count: 4, topInterests: 5 });
await OpenFeature.setProviderAndWait('shop', fromPromise);
OpenFeature.setProvider(fromInstance);
const name: 'Hearth' = fromPromise.metadata.name;

const client = OpenFeature.getClient('shop');
const segment: string = client.getStringValue('hearth.segment', 'new');
const dealSeeker: boolean = client.getBooleanValue('hearth.segment.deal_seeker', false);
const shoes: number = client.getNumberValue('hearth.interest.shoes', 0);
const picks = client.getObjectValue<PickFlagValue[]>('hearth.pick.for_you', []);
const first: string | undefined = picks[0]?.item;
const details: ResolutionDetails<string> = fromPromise.resolveStringEvaluation('hearth.tier', 'none', {});
const reason: string | undefined = details.reason;
client.track('purchase', { item: 'sku-1', value: 120 });

const keys: HearthFlagKey[] = [
  'hearth.segment',
  'hearth.segment.lapsed',
  'hearth.interests.top',
  'hearth.interest.brand:acme',
  'hearth.rfm.purchasesTotal',
  'hearth.pick.deals',
  'hearth.tier',
  'hearth.points.points',
  'hearth.streak',
  'hearth.consent.measurement',
];
const opts: HearthProviderOptions = { count: 8 };
const lists: readonly string[][] = [[...SEGMENTS], [...SLOTS], [...RFM_FIELDS], [...DEAL_CONTEXT_KEYS], [...TRACKED_EVENTS]];

// @ts-expect-error: not a Hearth flag family
const bad: HearthFlagKey = 'hearth.colour';
// @ts-expect-error: unknown segment
const badSegment: HearthFlagKey = 'hearth.segment.vip';
// @ts-expect-error: unknown slot
const badSlot: HearthFlagKey = 'hearth.pick.sidebar';
// @ts-expect-error: count is a number
new HearthProvider(hearth, { count: '8' });
// @ts-expect-error: a Hearth (or its promise) is required
new HearthProvider();

export { segment, dealSeeker, shoes, first, reason, keys, opts, lists, name, bad, badSegment, badSlot };
