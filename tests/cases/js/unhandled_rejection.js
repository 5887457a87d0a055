// kiln: compare=stdout,exit
// An unhandled promise rejection terminates the program with exit status 1 after sync code.
console.log('start');
Promise.reject(new Error('nobody handles this'));
console.log('sync code still finishes');
