/** Progress reporting and cooperative cancellation shared by prediction, training and the front ends. */
package org.mednext.task;
