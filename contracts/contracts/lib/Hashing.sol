// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { Types } from "./Types.sol";

/// @notice Hash functions of the OP Stack settlement protocol (withdrawal hash, output root).
library Hashing {
    /// @notice keccak256(abi.encode(nonce, sender, target, value, gasLimit, data)).
    function hashWithdrawal(Types.WithdrawalTransaction memory _tx) internal pure returns (bytes32) {
        return keccak256(abi.encode(_tx.nonce, _tx.sender, _tx.target, _tx.value, _tx.gasLimit, _tx.data));
    }

    /// @notice keccak256(version ‖ stateRoot ‖ messagePasserStorageRoot ‖ latestBlockhash).
    function hashOutputRootProof(Types.OutputRootProof memory _proof) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(_proof.version, _proof.stateRoot, _proof.messagePasserStorageRoot, _proof.latestBlockhash)
        );
    }

    /// @notice The storage slot of `sentMessages[_withdrawalHash]` in the message passer (mapping at slot 0).
    function withdrawalStorageSlot(bytes32 _withdrawalHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(_withdrawalHash, uint256(0)));
    }
}
