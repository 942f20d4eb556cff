export { default as Button } from './Button.svelte';
export { default as Field } from './Field.svelte';
export { default as Card } from './Card.svelte';
export { default as Badge } from './Badge.svelte';
export { default as Sheet } from './Sheet.svelte';
export { default as Toaster } from './Toaster.svelte';
export { showToast } from './toast.svelte';
