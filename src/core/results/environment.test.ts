import { describe, expect, it } from 'vitest';
import { browserFromUserAgent } from './environment';
import { smallRecord } from './test-record';

describe('environment', () => {
  it('names the browser briefly', () => {
    expect(browserFromUserAgent(smallRecord().environment.userAgent)).toBe('Chrome 126');
    expect(browserFromUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'Firefox 128',
    );
    expect(
      browserFromUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      ),
    ).toBe('Safari 17.5');
    expect(browserFromUserAgent('Node.js/20')).toBe('Node 20');
  });
});
