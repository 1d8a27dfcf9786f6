import '@testing-library/jest-dom';

// Flex UI plays notification sounds; jsdom has no media playback.
Object.defineProperty(HTMLMediaElement.prototype, 'play', { configurable: true, value: () => Promise.resolve() });
