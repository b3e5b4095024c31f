// What the rest of the editor uses of Suggesting mode (the comments side panel places the list).
export { default as SuggestionList } from './SuggestionList.svelte';
export { default as ModeSwitch } from './ModeSwitch.svelte';
export { default as SuggestNotice } from './SuggestNotice.svelte';
export { SuggestingMode } from './SuggestingMode.svelte.js';
export { suggestPlugin, suggestPluginKey, asDirectChange } from './suggestPlugin.js';
export { collectSuggestions, describeSuggestion, type Suggestion } from './collectSuggestions.js';
export { resolveSuggestions, type Verdict } from './resolveSuggestions.js';
export { currentAuthor } from './currentAuthor.js';
export { default as SuggestionHint } from './SuggestionHint.svelte';
export { default as SuggestionsButton } from './SuggestionsButton.svelte';
