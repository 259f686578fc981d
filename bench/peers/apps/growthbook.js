// GrowthBook: init from the CDN, one flag evaluation, exposures to analytics.
import { GrowthBook } from '@growthbook/growthbook';

const gb = new GrowthBook({
  apiHost: 'https://cdn.growthbook.io',
  clientKey: 'sdk-demo',
  attributes: { id: 'user-1', country: 'DE', browser: 'chrome' },
  trackingCallback: (experiment, result) => globalThis.analytics?.track('Experiment Viewed', { id: experiment.key, variant: result.key }),
});
await gb.init({ timeout: 2000 });
document.body.dataset.checkout = gb.isOn('new-checkout') ? 'new' : 'old';
