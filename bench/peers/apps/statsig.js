// Statsig: init for a user, one gate check, one logged event.
import { StatsigClient } from '@statsig/js-client';

const client = new StatsigClient('client-demo', { userID: 'user-1', country: 'DE' });
await client.initializeAsync();
document.body.dataset.checkout = client.checkGate('new_checkout') ? 'new' : 'old';
client.logEvent('add_to_cart', 'sku-42', { price: '19.99' });
