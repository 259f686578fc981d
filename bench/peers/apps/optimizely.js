// Optimizely Feature Experimentation 6: datafile polling, batched events, one decision, one event.
import { createBatchEventProcessor, createInstance, createPollingProjectConfigManager } from '@optimizely/optimizely-sdk';

const optimizely = createInstance({
  projectConfigManager: createPollingProjectConfigManager({ sdkKey: 'sdk-demo', autoUpdate: true }),
  eventProcessor: createBatchEventProcessor(),
});
await optimizely.onReady();
const user = optimizely.createUserContext('user-1', { country: 'DE' });
document.body.dataset.checkout = user.decide('new_checkout').enabled ? 'new' : 'old';
user.trackEvent('add_to_cart');
