// OpenFeature web SDK with its in-memory provider: one evaluation, one track.
import { InMemoryProvider, OpenFeature } from '@openfeature/web-sdk';

await OpenFeature.setContext({ targetingKey: 'user-1', country: 'DE' });
await OpenFeature.setProviderAndWait(
  new InMemoryProvider({ 'new-checkout': { variants: { on: true, off: false }, defaultVariant: 'on', disabled: false } }),
);
const client = OpenFeature.getClient();
document.body.dataset.checkout = client.getBooleanValue('new-checkout', false) ? 'new' : 'old';
client.track('add_to_cart', { value: 19.99 });
